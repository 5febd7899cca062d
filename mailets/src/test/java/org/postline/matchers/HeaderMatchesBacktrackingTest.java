package org.postline.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A catastrophically backtracking pattern gives up after a bounded number of steps; sane ones still match. */
class HeaderMatchesBacktrackingTest {

    private static HeaderMatches matcher(String condition) {
        HeaderMatches matcher = new HeaderMatches();
        matcher.configure(condition);
        return matcher;
    }

    @Test
    void nestedQuantifierOnALongNearMissIsNoMatch() {
        String value = "a".repeat(5_000) + "b";

        // Java 17 memoizes (a+)+$ down to quadratic time, which still exceeds the budget; ((a+)+)+$ stays
        // exponential: 2^60 steps without the budget.
        assertThat(matcher("Subject:(a+)+$").find(value)).isFalse();
        assertThat(matcher("Subject:((a+)+)+$").find("a".repeat(60) + "b")).isFalse();
        assertThat(matcher("Subject:a+b$").find(value)).isTrue();
    }

    @Test
    void theSearchStopsAtItsBudgetOfCharacterReads() {
        BoundedRegexText text = BoundedRegexText.of("a".repeat(40) + "b");

        assertThatThrownBy(() -> Pattern.compile("((a+)+)+$").matcher(text).find())
                .isInstanceOf(BoundedRegexText.BudgetExceeded.class);
        assertThat(text.budget()).isEqualTo(41 * BoundedRegexText.READS_PER_CHAR + BoundedRegexText.READS_PER_CHAR);
        assertThat(text.reads()).isEqualTo(text.budget() + 1);
    }

    @Test
    void aLinearSearchStaysFarBelowItsBudget() {
        BoundedRegexText text = BoundedRegexText.of("x".repeat(10_000) + "needle");

        assertThat(Pattern.compile("needle").matcher(text).find()).isTrue();
        assertThat(text.reads()).isLessThan(text.budget() / 100);
    }

    @Test
    void onlyTheFirstPartOfAHugeValueIsSearched() {
        String beyond = "x".repeat(HeaderMatches.MAX_VALUE_CHARS) + "needle";

        assertThat(matcher("Subject:needle").find(beyond)).isFalse();
        assertThat(matcher("Subject:needle").find("needle" + beyond)).isTrue();
    }
}
