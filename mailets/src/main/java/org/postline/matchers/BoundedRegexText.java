package org.postline.matchers;

/**
 * Text for a regular expression to search that stops the search after a budget of character reads, so a
 * pattern that backtracks catastrophically (e.g. {@code (a+)+$}) ends with {@link BudgetExceeded} instead of
 * running for ever. Sub-sequences share the budget.
 */
final class BoundedRegexText implements CharSequence {

    /** Reads allowed per character of input: generous for any sane pattern, tiny next to exponential. */
    static final long READS_PER_CHAR = 1_000;

    private final String text;
    private final int start;
    private final int end;
    private final long[] reads;
    private final long budget;

    private BoundedRegexText(String text, int start, int end, long[] reads, long budget) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.reads = reads;
        this.budget = budget;
    }

    /** The whole text with a budget proportional to its length. */
    static BoundedRegexText of(String text) {
        return new BoundedRegexText(text, 0, text.length(), new long[1], READS_PER_CHAR * (text.length() + 1L));
    }

    /** Character reads so far, by this text and its sub-sequences. */
    long reads() {
        return reads[0];
    }

    long budget() {
        return budget;
    }

    @Override
    public int length() {
        return end - start;
    }

    @Override
    public char charAt(int index) {
        if (++reads[0] > budget) {
            throw new BudgetExceeded(budget);
        }
        return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        if (from < 0 || to > length() || from > to) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + length());
        }
        return new BoundedRegexText(text, start + from, start + to, reads, budget);
    }

    @Override
    public String toString() {
        return text.substring(start, end);
    }

    /** The search read more characters than its budget allows. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded(long budget) {
            super("regular expression gave up after " + budget + " character reads", null, false, false);
        }
    }
}
