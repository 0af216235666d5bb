package dev.minillm.common;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Turns XChart charts into pictures: a {@link BufferedImage} that notebooks display when it is a
 * cell's last expression, or a PNG file.
 */
public final class Plots {

    private Plots() {}

    /** The chart drawn into an image (notebooks show it as a PNG). */
    public static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Writes the chart as a PNG, atomically: readers never see a half-written file. */
    public static Path savePng(Chart<?, ?> chart, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            javax.imageio.ImageIO.write(image(chart), "png", temp.toFile());
            return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot to " + file + ": " + e.getMessage(), e);
        }
    }
}
