package dev.activations.runtime;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A variable with one value per user thread. {@link ThreadLocal} cannot serve: inside a user
 * thread {@code Thread.currentThread()} is the carrier, shared by every user thread it runs.
 * On a platform thread this behaves like a {@link ThreadLocal}.
 *
 * <p>Values live in the user thread's {@code locals} array, indexed by this variable's
 * {@code index}; only the owning thread reads or writes it, so no synchronization is needed.
 */
public final class UserThreadLocal<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final Object UNSET = new Object();

    private final int index = NEXT.getAndIncrement();
    private final Supplier<? extends T> initial;
    private final ThreadLocal<T> platform;

    private UserThreadLocal(Supplier<? extends T> initial) {
        this.initial = initial;
        this.platform = ThreadLocal.withInitial(initial);
    }

    /** A variable whose first {@link #get()} in each thread returns {@code null}. */
    public UserThreadLocal() {
        this(() -> null);
    }

    /** A variable whose first {@link #get()} in each thread returns {@code initial.get()}. */
    public static <S> UserThreadLocal<S> withInitial(Supplier<? extends S> initial) {
        return new UserThreadLocal<>(Objects.requireNonNull(initial, "initial must not be null"));
    }

    @SuppressWarnings("unchecked")
    public T get() {
        UserThread t = UserThread.current();
        if (t == null) {
            return platform.get();
        }
        Object[] l = slots(t);
        Object v = l[index];
        if (v == UNSET) {
            v = initial.get();
            l[index] = v;
        }
        return (T) v;
    }

    public void set(T value) {
        UserThread t = UserThread.current();
        if (t == null) {
            platform.set(value);
        } else {
            slots(t)[index] = value;
        }
    }

    public void remove() {
        UserThread t = UserThread.current();
        if (t == null) {
            platform.remove();
        } else if (t.locals != null && index < t.locals.length) {
            t.locals[index] = UNSET;
        }
    }

    private Object[] slots(UserThread t) {
        Object[] l = t.locals;
        if (l == null || index >= l.length) {
            int old = l == null ? 0 : l.length;
            l = l == null ? new Object[Math.max(8, index + 1)] : Arrays.copyOf(l, Math.max(index + 1, old * 2));
            Arrays.fill(l, old, l.length, UNSET);
            t.locals = l;
        }
        return l;
    }
}
