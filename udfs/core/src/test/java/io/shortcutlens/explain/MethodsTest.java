package io.shortcutlens.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shortcutlens.image.InputShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The method registry: every descriptor's options, defaults, parameters and JSON, read without Spark. */
class MethodsTest {
    private static final InputShape SHAPE = new InputShape(3, 224, 224);

    @Test
    void everyMethodBuildsItsParametersAndExplainerFromTheDefaults() {
        Set<String> names = new HashSet<>();
        for (ExplainMethod<?> m : Methods.ALL) {
            assertTrue(names.add(m.name()), "one method per name: " + m.name());
            MethodParams p = m.defaults(SHAPE);
            assertTrue(m.paramsType().isInstance(p), m.name());
            String json = p.toJson();
            assertTrue(json.startsWith("{") && json.endsWith("}"), m.name() + ": " + json);
            assertEquals(json, m.defaults(SHAPE).toJson(), "same parameters, same JSON");
            MethodRun run = new MethodRun(m.name(), p);
            assertEquals(m.name(), run.explainer().method(), "the explainer writes the method's name");
            assertEquals(json, run.explainer().paramsJson(), "the rows carry the run's JSON");
            for (MethodOption o : m.options()) {
                o.typedDefault(); // every default parses as its kind
                assertTrue(Methods.readers(o).contains(m.name()));
            }
        }
        assertEquals(List.of("occlusion", "lime", "kernelshap"), Methods.perturbationNames());
        assertEquals("occlusion, lime or kernelshap", Methods.perturbationList());
    }

    @Test
    void sharedOptionsAreOneDeclarationReadByEachMethod() {
        List<String> cli = Methods.options().stream().map(MethodOption::cli).toList();
        assertEquals(new HashSet<>(cli).size(), cli.size(), "each option once: " + cli);
        assertTrue(Methods.readers(LimeExplainer.FEATURES).containsAll(List.of("lime", "kernelshap")));
        assertTrue(Methods.readers(MethodOption.BATCH_SIZE).containsAll(List.of("occlusion", "lime", "kernelshap", "integrated-gradients")));
        assertTrue(Methods.help(LimeExplainer.REPLACEMENT).startsWith("lime, kernelshap: "), Methods.help(LimeExplainer.REPLACEMENT));
        // the defaults are the constants the parameter records state
        assertEquals(LimeParams.defaults(), LimeExplainer.METHOD.defaults(SHAPE));
        assertEquals(KernelShapParams.defaults(), KernelShapExplainer.METHOD.defaults(SHAPE));
        assertEquals(OcclusionParams.defaults().resolve(SHAPE), OcclusionExplainer.METHOD.defaults(SHAPE));
        assertEquals(new OcclusionParams(45, 22, OcclusionParams.DEFAULT_MASK_VALUE, OcclusionParams.DEFAULT_BATCH),
                OcclusionExplainer.METHOD.defaults(SHAPE), "auto window: 20% and 10% of the shorter side");
    }

    @Test
    void valuesAreParsedAndBadOnesNamedAsTheUserWroteThem() {
        OptionValues given = new OptionValues(Map.of("occlusion-mask-value", "auto", "lime-replacement", "mean", "lime-segmentation", "GRID",
                "gradcam-layer", "conv2", "occlusion-mask-size", "12"), MethodOption::cli);
        List<MethodRun> runs = Methods.runs(List.of("GradCAM", "lime", "occlusion", "lime"), given, SHAPE);
        assertEquals(List.of("occlusion", "lime", "gradcam"), runs.stream().map(MethodRun::method).toList(), "row order, each once");
        OcclusionParams occ = (OcclusionParams) runs.get(0).params();
        assertNull(occ.maskValue(), "auto = the image's mean");
        assertEquals(12, occ.maskSize());
        LimeParams lime = (LimeParams) runs.get(1).params();
        assertNull(lime.replacement());
        assertEquals(SuperpixelSegmenter.Kind.GRID, lime.segmentation());
        assertEquals(new GradCamParams("conv2"), runs.get(2).params());

        String cli = assertThrows(IllegalArgumentException.class, () -> Methods.runs(List.of("lime"),
                new OptionValues(Map.of("lime-samples", "many"), MethodOption::cli), SHAPE)).getMessage();
        assertTrue(cli.contains("--lime-samples must be a whole number, found 'many'"), cli);
        String ml = assertThrows(IllegalArgumentException.class, () -> Methods.runs(List.of("occlusion"),
                new OptionValues(Map.of("occlusion-stride", "-2"), MethodOption::param), SHAPE)).getMessage();
        assertTrue(ml.contains("occlusionStride must be a positive integer or 'auto'"), ml);
        String seg = assertThrows(IllegalArgumentException.class, () -> Methods.runs(List.of("kernelshap"),
                new OptionValues(Map.of("lime-segmentation", "felzenszwalb"), MethodOption::cli), SHAPE)).getMessage();
        assertTrue(seg.contains("--lime-segmentation must be one of [slic, grid]"), seg);
        String unknown = assertThrows(IllegalArgumentException.class, () -> Methods.runs(List.of("shap"), OptionValues.defaults(), SHAPE)).getMessage();
        assertTrue(unknown.contains("'shap'") && unknown.contains("kernelshap"), unknown);
        assertThrows(IllegalArgumentException.class, () -> Methods.runs(List.of(), OptionValues.defaults(), SHAPE));
    }

    @Test
    void aRunIsEqualAfterSerialisationAndChecksItsParameterType() throws Exception {
        MethodRun run = MethodRun.of(LimeExplainer.METHOD, LimeParams.defaults());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(List.of(run)));
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertEquals(List.of(run), back, "tasks key their pipelines by settings: equal after shipping");
        assertNotEquals(run, MethodRun.of(LimeExplainer.METHOD, new LimeParams(SuperpixelSegmenter.Kind.GRID, 49, 1000, 0.25, 0f, 1.0, 64)));
        String wrong = assertThrows(IllegalArgumentException.class, () -> new MethodRun("lime", OcclusionParams.defaults())).getMessage();
        assertTrue(wrong.contains("lime takes LimeParams"), wrong);
    }
}
