package dev.loci.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loci.spi.AccessRecording;
import dev.loci.spi.Compactable;
import dev.loci.spi.MemoryStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ForwardingStore} declares every {@link MemoryStore} method, defaults included (a default
 * it did not override would run on the forwarding store instead of the delegate), forwards no
 * optional capability, and, wrapped around the reference store, passes the store contract.
 */
class ForwardingStoreTest extends MemoryStoreContract {
    @Override
    protected MemoryStore open(Path dir) {
        return new ForwardingStore(new InMemoryStore()) {
        };
    }

    @Override
    protected boolean durable() {
        return false;
    }

    @Test
    void forwardsEveryMethodOfTheStorePort() {
        List<String> missing = Arrays.stream(MemoryStore.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !declares(m))
                .map(Method::toString)
                .toList();
        assertEquals(List.of(), missing, "MemoryStore methods ForwardingStore does not forward");
        assertTrue(MemoryStore.class.getMethods().length > 10, "the port was read");
    }

    /**
     * Capabilities are not forwarded, on purpose: a class cannot implement an interface only when
     * its delegate does, so forwarding them would take one wrapper type per combination, or a
     * wrapper claiming a capability its delegate may lack (a method that throws, which the ports
     * rule out). A wrapped store is honestly one without them; the contract skips their checks.
     */
    @Test
    void forwardsNoOptionalCapability() {
        var delegate = new InMemoryStore();
        assertTrue(delegate instanceof AccessRecording, "the delegate records accesses");
        MemoryStore wrapped = new ForwardingStore(delegate) {
        };
        assertFalse(wrapped instanceof AccessRecording);
        assertFalse(wrapped instanceof Compactable);
    }

    private static boolean declares(Method m) {
        try {
            return ForwardingStore.class.getDeclaredMethod(m.getName(), m.getParameterTypes()) != null;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
