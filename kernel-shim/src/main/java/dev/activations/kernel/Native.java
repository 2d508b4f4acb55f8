package dev.activations.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The kernel shim's one door to native code: Linux C-library calls through the Foreign Function
 * and Memory API (no native code is built), for {@link CpuAffinity} ({@code pinCarriers}) and
 * {@link OsPriorities} (nice values, the monitor's slice). Stateless.
 *
 * <p>The FFM API's downcalls are "restricted": without {@code --enable-native-access} for this
 * module, JDK 25 prints a warning to stderr at the first one. {@link #unavailable()} therefore
 * asks {@link Module#isNativeAccessEnabled()} first, and nothing here is looked up unless it
 * says yes: a kernel started without the flag stays silent and cooperative.
 */
final class Native {
    private Native() {
    }

    /**
     * Null when native calls can be made here (Linux, native access enabled for this module);
     * otherwise why not, phrased as what to do.
     */
    static String unavailable() {
        String os = System.getProperty("os.name", "?");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux (" + os + ")";
        }
        Module self = Native.class.getModule();
        if (!self.isNativeAccessEnabled()) {
            return "native access is not enabled: start java with --enable-native-access="
                    + (self.isNamed() ? self.getName() : "ALL-UNNAMED");
        }
        return null;
    }

    /**
     * A downcall handle for the C library's {@code name} (with {@code options}, such as where a
     * variadic function's variable arguments begin). Call only after {@link #unavailable()}
     * returned null.
     *
     * @throws UnsupportedOperationException if the C library has no such function
     */
    static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name));
        return linker.downcallHandle(symbol, fd, options);
    }
}
