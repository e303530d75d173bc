package io.shortcutlens.correct;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One class's accuracy on the held-out images for one model (original, corrected) and one variant (as_is, regions_hidden). */
public record ClassAccuracy(String model, String images, @JsonProperty("class") String className, long count, long correct) {
    public double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}
