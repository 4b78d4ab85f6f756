package dev.sluice.dist;

/** {@code bin/sluice} runs this; everything else lives in {@link Launcher}, which can be tested in-process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Launcher.forThisProcess().run(args));
    }
}
