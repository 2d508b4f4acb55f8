package dev.activations.bench;

/** {@code platform}: one new {@link Thread} (a kernel thread) per start. */
final class PlatformKind extends JdkThreadKind {
    private static final Thread.Builder BUILDER = Thread.ofPlatform().daemon(true).name("bench-platform");

    PlatformKind() {
        super(PLATFORM, BUILDER);
    }
}
