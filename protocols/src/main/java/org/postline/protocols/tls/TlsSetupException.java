package org.postline.protocols.tls;

/** TLS key material could not be loaded or created; the message says which file and what is wrong. */
public class TlsSetupException extends Exception {

    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
