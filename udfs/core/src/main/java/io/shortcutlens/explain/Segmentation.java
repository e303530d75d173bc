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

    /**
     * The labels as runs in raster order: run {@code r} covers pixels {@code [start[r], start[r + 1])} (the last one up to
     * the plane's end), all of segment {@code label[r]}. Consecutive runs touch, so a perturbed image is written
     * front to back in a few thousand contiguous copies and fills instead of one write per pixel.
     */
    public Runs runs() {
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (i == 0 || labels[i] != labels[i - 1]) {
                n++;
            }
        }
        int[] start = new int[n + 1];
        int[] label = new int[n];
        int r = 0;
        for (int i = 0; i < labels.length; i++) {
            if (i == 0 || labels[i] != labels[i - 1]) {
                start[r] = i;
                label[r++] = labels[i];
            }
        }
        start[n] = labels.length;
        return new Runs(start, label);
    }

    /** Runs of equal labels in raster order: {@code start} has one more entry than {@code label}, the plane's size. */
    public record Runs(int[] start, int[] label) {
        public int count() {
            return label.length;
        }
    }
}
