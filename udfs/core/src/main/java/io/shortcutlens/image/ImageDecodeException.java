package io.shortcutlens.image;

/** An image that cannot be turned into a model input; the message is written into the row's {@code error} column. */
public final class ImageDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
