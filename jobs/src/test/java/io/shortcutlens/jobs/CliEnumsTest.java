package io.shortcutlens.jobs;

import io.shortcutlens.decoy.DecoyJob;
import io.shortcutlens.decoy.DecoyOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The enum options read the names users type (and the manifests hold) and refuse others naming the choices. */
class CliEnumsTest {
    @Test
    void namesAsTypedAndAsWritten() {
        assertEquals(WriteMode.APPEND_NEW, WriteMode.parse("append-new"));
        assertEquals(WriteMode.APPEND_NEW, WriteMode.parse("APPEND_NEW"));
        assertEquals("append-new", WriteMode.APPEND_NEW.label());
        assertEquals(ClassView.LABEL, ClassView.parse(" Label "));
        assertEquals("predicted", ClassView.PREDICTED.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WriteMode.parse("append"));
        assertTrue(e.getMessage().contains("--mode") && e.getMessage().contains("[overwrite, append-new, error]"), e.getMessage());
        AuditJob audit = new AuditJob();
        Cli.commandLine(audit).parseArgs("--run", "r", "--group-by", "label");
        assertEquals(ClassView.LABEL, audit.groupBy);
        EmbedJob embed = new EmbedJob();
        Cli.commandLine(embed).parseArgs("--input", "i", "--model", "m", "--output", "o", "--class-by", "Predicted");
        assertEquals(ClassView.PREDICTED, embed.classBy);
        picocli.CommandLine.ParameterException wrong = assertThrows(picocli.CommandLine.ParameterException.class,
                () -> Cli.commandLine(new EmbedJob()).parseArgs("--input", "i", "--model", "m", "--output", "o", "--class-by", "truth"));
        assertTrue(wrong.getMessage().contains("--class-by must be one of [predicted, label]"), wrong.getMessage());
    }

    @Test
    void theDecoyHidesWithTheMeanOrZeroOnly() {
        DecoyJob decoy = new DecoyJob();
        Cli.commandLine(decoy).parseArgs("--hide", "Mean");
        assertEquals(io.shortcutlens.audit.RegionMasker.Fill.MEAN, decoy.options().explaining().hide());
        picocli.CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                () -> Cli.commandLine(new DecoyJob()).parseArgs("--hide", "inpaint"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--hide must be mean or zero"), e.getMessage());
    }
}
