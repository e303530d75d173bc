package io.shortcutlens.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuBinderTest {

    @Test
    void underCudaTheThreadIsSetToTheFirstAssignedAddress() {
        List<Integer> set = new ArrayList<>();
        GpuBinder.Binding b = GpuBinder.bind(List.of("1"), "JCublasBackend", set::add, "task 7", false);
        assertEquals(List.of(1), set);
        assertEquals("cuda:1", b.device());
        assertEquals("1=cuda:1", b.describe());
    }

    @Test
    void underTheCpuBackendOrWithoutAnAddressNothingIsSet() {
        List<Integer> set = new ArrayList<>();
        assertEquals("0=cpu", GpuBinder.bind(List.of("0"), "CpuBackend", set::add, "task 1", false).describe());
        assertEquals("none=cpu", GpuBinder.bind(List.of(), "JCublasBackend", set::add, "task 2", false).describe());
        assertTrue(set.isEmpty());
        // outside a Spark task
        assertEquals("none=cpu", GpuBinder.bindTask().describe());
    }

    @Test
    void anAddressThatIsNotADeviceNumberIsRefusedWithWhatToFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuBinder.bind(List.of("GPU-3f2a"), "JCublasBackend", d -> { }, "task 3", false));
        assertTrue(e.getMessage().contains("discoveryScript"), e.getMessage());
    }
}
