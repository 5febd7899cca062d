package org.postline.container.matchers;

import java.util.Set;
import org.postline.container.auth.AuthResults;

/**
 * Matches mail whose DKIM verification (the {@code DKIMVerify} mailet) gave one of the listed results:
 * pass (some signature verifies), none (unsigned), fail, neutral, policy, temperror, permerror.
 */
public class DKIMResultIs extends AuthResultMatcher {

    public DKIMResultIs() {
        super(AuthResults.DKIM, Set.of("pass", "fail", "none", "neutral", "policy", "temperror", "permerror"));
    }
}
