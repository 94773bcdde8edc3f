package dev.flashvsr.engine.gpu;

/** One line of the GPU check: what was checked, whether it held, and the numbers. */
record CheckResult(String name, Outcome outcome, String detail) {
    enum Outcome {
        PASS, FAIL, SKIP
    }

    static CheckResult pass(String name, String detail) {
        return new CheckResult(name, Outcome.PASS, detail);
    }

    static CheckResult fail(String name, String detail) {
        return new CheckResult(name, Outcome.FAIL, detail);
    }

    static CheckResult of(String name, boolean passed, String detail) {
        return new CheckResult(name, passed ? Outcome.PASS : Outcome.FAIL, detail);
    }

    /** The summary line: {@code gpu-check: NAME: PASS detail}. */
    String line() {
        return "gpu-check: " + name + ": " + outcome + " " + detail;
    }
}
