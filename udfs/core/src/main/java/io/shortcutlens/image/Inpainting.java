package io.shortcutlens.image;

/**
 * A pixel box filled from the pixels around it, so that whatever it held, of any shade, is replaced by its
 * surroundings: transfinite interpolation — in each row between the pixels just left and right of the box, in each
 * column between those just above and below, the two averaged; a side on the image's border is left out (after the
 * inpainting of Fong and Vedaldi's meaningful perturbations, without the optimisation). Used where the audit hides a
 * region ({@code --fill inpaint}) and where occlusion hides its window ({@code --occlusion-mask-value inpaint}).
 */
public final class Inpainting {
    private Inpainting() { }

    /** One {@code height × width} channel of an image, starting at {@code offset} of {@code pixels}. */
    public record Plane(float[] pixels, int offset, int height, int width) { }

    /**
     * The value at {@code (y, x)} inside {@code box = {y0, x0, y1, x1}} of {@code plane}; {@code fallback} where the box
     * covers the whole image.
     */
    public static float at(Plane plane, int[] box, int y, int x, float fallback) {
        float[] in = plane.pixels();
        int offset = plane.offset();
        int h = plane.height();
        int w = plane.width();
        double sum = 0;
        int n = 0;
        boolean left = box[1] > 0;
        boolean right = box[3] < w;
        if (left || right) {
            float l = left ? in[offset + y * w + box[1] - 1] : in[offset + y * w + box[3]];
            float r = right ? in[offset + y * w + box[3]] : l;
            double t = (double) (x - box[1] + 1) / (box[3] - box[1] + 1);
            sum += l + t * (r - l);
            n++;
        }
        boolean top = box[0] > 0;
        boolean bottom = box[2] < h;
        if (top || bottom) {
            float a = top ? in[offset + (box[0] - 1) * w + x] : in[offset + box[2] * w + x];
            float b = bottom ? in[offset + box[2] * w + x] : a;
            double t = (double) (y - box[0] + 1) / (box[2] - box[0] + 1);
            sum += a + t * (b - a);
            n++;
        }
        return n == 0 ? fallback : (float) (sum / n);
    }

    /**
     * Writes the inpainted {@code box} of the input {@code in} of {@code shape} into {@code dest} at {@code destOffset}
     * (an image of the same shape), leaving the rest of {@code dest} as it is; {@code fallback} per channel.
     */
    public static void fill(float[] in, InputShape shape, int[] box, float[] fallback, float[] dest, int destOffset) {
        int w = shape.width();
        int plane = shape.pixels();
        for (int ch = 0; ch < shape.channels(); ch++) {
            Plane source = new Plane(in, ch * plane, shape.height(), w);
            for (int y = box[0]; y < box[2]; y++) {
                for (int x = box[1]; x < box[3]; x++) {
                    dest[destOffset + ch * plane + y * w + x] = at(source, box, y, x, fallback[ch]);
                }
            }
        }
    }
}
