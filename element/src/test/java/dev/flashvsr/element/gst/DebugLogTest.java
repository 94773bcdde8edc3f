package dev.flashvsr.element.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** How Java logging levels and the flashvsr category's threshold map onto each other. */
class DebugLogTest {
    @Test
    void javaRecordsGetTheGstLevelTheyReach() {
        assertEquals(DebugLog.GstLevel.ERROR, DebugLog.gstLevelFor(Level.SEVERE));
        assertEquals(DebugLog.GstLevel.WARNING, DebugLog.gstLevelFor(Level.WARNING));
        assertEquals(DebugLog.GstLevel.INFO, DebugLog.gstLevelFor(Level.INFO));
        assertEquals(DebugLog.GstLevel.DEBUG, DebugLog.gstLevelFor(Level.CONFIG));
        assertEquals(DebugLog.GstLevel.DEBUG, DebugLog.gstLevelFor(Level.FINE));
        assertEquals(DebugLog.GstLevel.LOG, DebugLog.gstLevelFor(Level.FINER));
        assertEquals(DebugLog.GstLevel.TRACE, DebugLog.gstLevelFor(Level.FINEST));
    }

    @Test
    void thresholdsLetThroughTheJavaLevelsTheyShow() {
        assertEquals(Level.OFF, DebugLog.javaLevelFor(0));
        assertEquals(Level.SEVERE, DebugLog.javaLevelFor(1));
        assertEquals(Level.WARNING, DebugLog.javaLevelFor(3));
        assertEquals(Level.INFO, DebugLog.javaLevelFor(4));
        assertEquals(Level.FINE, DebugLog.javaLevelFor(5));
        assertEquals(Level.FINER, DebugLog.javaLevelFor(6));
        assertEquals(Level.FINEST, DebugLog.javaLevelFor(9));
    }
}
