package org.postline.bench;

/**
 * One measured figure.
 *
 * @param key            stable identifier, used to match figures of two runs ("smtp.accept.c20.reuse")
 * @param label          what it is, for the table
 * @param value          the figure
 * @param unit           "msg/s", "ms", "MiB", ...
 * @param higherIsBetter whether a larger value is the better one (rates) or not (times)
 * @param note           anything that qualifies it ("stopped at the time limit after 812 messages"), or empty
 */
public record Result(String key, String label, double value, String unit, boolean higherIsBetter, String note) {

    public static Result rate(String key, String label, double value, String unit, String note) {
        return new Result(key, label, value, unit, true, note);
    }

    public static Result time(String key, String label, double value, String unit, String note) {
        return new Result(key, label, value, unit, false, note);
    }
}
