package io.shortcutlens.explain;

/** A partition of an image's pixels into {@code count} segments; {@code labels[y * width + x]} is in {@code [0, count)}. */
public record Segmentation(int[] labels, int count) {

    /** Pixel indices of each segment. */
    public int[][] members() {
        int[] sizes = new int[count];
        for (int l : labels) {
            sizes[l]++;
        }
        int[][] members = new int[count][];
        for (int s = 0; s < count; s++) {
            members[s] = new int[sizes[s]];
        }
        int[] fill = new int[count];
        for (int i = 0; i < labels.length; i++) {
            members[labels[i]][fill[labels[i]]++] = i;
        }
        return members;
    }
}
