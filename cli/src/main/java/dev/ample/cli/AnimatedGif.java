// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated GIF written one frame at a time with the JDK's ImageIO GIF writer (no dependency):
 * every frame shows for the same delay and the animation loops forever (the NETSCAPE2.0
 * application extension). Frames stream to a temporary file beside the target, so a long episode
 * is never held in memory; {@link #finish} moves it into place, and closing without finishing
 * deletes it, so a failed recording leaves no half-written GIF behind.
 */
final class AnimatedGif implements AutoCloseable {
  private static final String FORMAT = "javax_imageio_gif_image_1.0";

  private final Path file;
  private final Path partial;
  private final String delay;
  private final ImageWriter writer;
  private final ImageOutputStream out;
  private int frames;
  private boolean streaming = true;
  private boolean finished;

  private AnimatedGif(Path file, Path partial, int delayCentiseconds) throws IOException {
    this.file = file;
    this.partial = partial;
    this.delay = Integer.toString(delayCentiseconds);
    this.writer = ImageIO.getImageWritersByFormatName("gif").next();
    Files.deleteIfExists(partial); // the stream overwrites in place, it does not truncate
    this.out = new FileImageOutputStream(partial.toFile());
    writer.setOutput(out);
    writer.prepareWriteSequence(null);
  }

  /**
   * Starts a GIF to be written to {@code file}.
   *
   * @param delayCentiseconds how long each frame shows, in the format's 1/100 s
   * @throws IllegalArgumentException when its folder does not exist or cannot be written
   */
  static AnimatedGif create(Path file, int delayCentiseconds) {
    Path folder = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("cannot write " + file + ": folder " + folder
          + " does not exist; create it or give a file in an existing folder");
    }
    try {
      return new AnimatedGif(file, file.resolveSibling(file.getFileName() + ".tmp"),
          delayCentiseconds);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write " + file + " (" + e.getMessage()
          + "); give a file in a writable folder");
    }
  }

  void add(BufferedImage frame) throws IOException {
    IIOMetadata metadata =
        writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
    IIOMetadataNode control = child(root, "GraphicControlExtension");
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", delay);
    control.setAttribute("transparentColorIndex", "0");
    if (frames == 0) {
      IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
      loop.setAttribute("applicationID", "NETSCAPE");
      loop.setAttribute("authenticationCode", "2.0");
      loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 = forever
      child(root, "ApplicationExtensions").appendChild(loop);
    }
    metadata.setFromTree(FORMAT, root);
    writer.writeToSequence(new IIOImage(frame, null, metadata), null);
    frames++;
  }

  int frames() {
    return frames;
  }

  /** Ends the GIF and moves it to its file. */
  void finish() throws IOException {
    writer.endWriteSequence();
    closeStream();
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    finished = true;
  }

  @Override
  public void close() throws IOException {
    closeStream();
    if (!finished) {
      Files.deleteIfExists(partial);
    }
  }

  private void closeStream() throws IOException {
    if (streaming) {
      streaming = false;
      writer.dispose();
      out.close();
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int k = 0; k < root.getLength(); k++) {
      if (root.item(k).getNodeName().equals(name)) {
        return (IIOMetadataNode) root.item(k);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }
}
