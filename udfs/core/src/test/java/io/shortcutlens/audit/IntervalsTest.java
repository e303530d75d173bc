package io.shortcutlens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalsTest {

    @Test
    void wilsonMatchesPublishedValues() {
        // Newcombe (1998), Table I: 81 of 263 -> 0.2553 to 0.3662; 0 of 10 -> 0 to 0.2775; 15 of 148 -> 0.0624 to 0.1605
        Intervals.Interval a = Intervals.wilson(81, 263, Intervals.Z95);
        assertEquals(0.2553, a.low(), 5e-5);
        assertEquals(0.3662, a.high(), 5e-5);
        Intervals.Interval b = Intervals.wilson(0, 10, Intervals.Z95);
        assertEquals(0.0, b.low(), 1e-12);
        assertEquals(0.2775, b.high(), 5e-5);
        Intervals.Interval c = Intervals.wilson(15, 148, Intervals.Z95);
        assertEquals(0.0624, c.low(), 5e-5);
        assertEquals(0.1605, c.high(), 5e-5);
        assertEquals(new Intervals.Interval(0, 1), Intervals.wilson(0, 0, Intervals.Z95));
    }

    @Test
    void theShareIntervalCoversTheTrueMeanAtLeastNinetyFivePercentOfTheTime() {
        SplittableRandom r = new SplittableRandom(1);
        int covered = 0;
        int trials = 4000;
        double truth = 1.0 / 3; // shares u^2, u uniform on [0, 1]: mean 1/3
        for (int t = 0; t < trials; t++) {
            int n = 50;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double u = r.nextDouble();
                sum += u * u;
            }
            Intervals.Interval i = Intervals.shareMean(sum / n, n, Intervals.Z95);
            covered += i.low() <= truth && truth <= i.high() ? 1 : 0;
        }
        System.out.printf("share interval coverage at n = 50: %.4f%n", covered / (double) trials);
        assertTrue(covered >= 0.95 * trials, covered + " of " + trials);
    }
}
