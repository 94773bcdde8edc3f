package dev.flashvsr.tools;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * One-line, user-facing text for an exception: the JDK's file exceptions carry only a path as
 * their message, so the reason is spelt out; other exceptions give their message, or their type
 * when they have none.
 */
public final class ErrorText {
    private ErrorText() {
    }

    public static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "); give Java more with FLASHVSR_JAVA_OPTS=-Xmx<size>,"
                    + " e.g. -Xmx8g";
        }
        if (e instanceof FileSystemException f && f.getReason() == null) {
            return reasonFor(f) + ": " + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
    }

    private static String reasonFor(FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "folder not empty";
        }
        return e.getClass().getSimpleName();
    }
}
