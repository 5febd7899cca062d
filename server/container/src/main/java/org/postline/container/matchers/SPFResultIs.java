package org.postline.container.matchers;

import java.util.Set;
import org.postline.container.auth.AuthResults;

/**
 * Matches mail whose SPF check (the {@code SPF} mailet) gave one of the listed results:
 * {@code SPFResultIs=fail} or {@code SPFResultIs=fail,softfail}. Results: pass, fail, softfail, neutral,
 * none, temperror, permerror.
 */
public class SPFResultIs extends AuthResultMatcher {

    public SPFResultIs() {
        super(AuthResults.SPF, Set.of("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"));
    }
}
