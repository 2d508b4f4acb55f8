package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveSet}, the intrusive registry of live threads and executor tasks: membership,
 * idempotent removal, snapshots across all stripes, and concurrent adds and removes that
 * neither lose nor keep members.
 */
class LiveSetTest {
    private static final class Item extends LiveSet.Member {
        final int n;

        Item(int n) {
            this.n = n;
        }
    }

    @Test
    void addRemoveSizeAndSnapshotAcrossStripes() {
        LiveSet<Item> set = new LiveSet<>();
        assertTrue(set.isEmpty());
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 3 * LiveSet.STRIPES + 1; i++) { // every stripe holds several
            Item it = new Item(i);
            items.add(it);
            set.add(it);
        }
        assertEquals(items.size(), set.size());
        assertEquals(new HashSet<>(items), new HashSet<>(set.snapshot()));
        // remove from the middle, the ends and the heads of lists
        for (int i = 0; i < items.size(); i += 2) {
            assertTrue(set.remove(items.get(i)));
            assertFalse(set.remove(items.get(i)), "a second remove reports the member gone");
        }
        List<Item> left = set.snapshot();
        assertEquals(items.size() / 2, left.size());
        for (Item it : left) {
            assertEquals(1, it.n % 2, "only the members not removed remain");
        }
        for (Item it : left) {
            assertTrue(set.remove(it));
        }
        assertTrue(set.isEmpty());
        assertEquals(0, set.snapshot().size());
    }

    @Test
    void aMemberCannotBeInTwoSets() {
        LiveSet<Item> a = new LiveSet<>();
        LiveSet<Item> b = new LiveSet<>();
        Item it = new Item(0);
        a.add(it);
        assertThrows(IllegalStateException.class, () -> b.add(it));
        assertTrue(a.remove(it));
    }

    @Test
    void concurrentAddsAndRemovesLoseNothing() throws InterruptedException {
        LiveSet<Item> set = new LiveSet<>();
        int threads = 4;
        int each = 20_000;
        List<Item> kept = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<List<Item>> keptPer = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            List<Item> mine = new ArrayList<>();
            keptPer.add(mine);
            int base = w * each;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                Item prev = null;
                for (int i = 0; i < each; i++) {
                    Item it = new Item(base + i);
                    set.add(it);
                    if (prev != null && i % 3 != 0) {
                        set.remove(prev); // removes what this thread added, interleaved with others' adds
                    } else if (prev != null) {
                        mine.add(prev);
                    }
                    prev = it;
                }
                mine.add(prev);
            }));
        }
        go.countDown();
        for (Thread t : workers) {
            t.join();
        }
        keptPer.forEach(kept::addAll);
        assertEquals(kept.size(), set.size());
        assertEquals(new HashSet<>(kept), new HashSet<>(set.snapshot()));
    }
}
