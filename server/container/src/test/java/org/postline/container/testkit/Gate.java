package org.postline.container.testkit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Lets a test hold a mailet inside service() and know when it got there. */
public final class Gate {
    public final CountDownLatch entered = new CountDownLatch(1);
    public final CountDownLatch open = new CountDownLatch(1);

    public void passThrough() throws InterruptedException {
        entered.countDown();
        if (!open.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
        }
    }
}
