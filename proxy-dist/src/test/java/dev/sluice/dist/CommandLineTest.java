package dev.sluice.dist;

import dev.sluice.dist.CommandLine.Action;
import dev.sluice.dist.CommandLine.UsageException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

    @Test
    void noArgumentsRunsWithTheDefaultFile() throws UsageException {
        // An empty config means "use $SLUICE_HOME/conf/sluice.yaml", decided by the Launcher.
        assertEquals(new CommandLine(Action.RUN, Optional.empty()), CommandLine.parse());
    }

    @Test
    void everySpellingOfTheConfigOptionNamesTheFile() throws UsageException {
        // -c FILE, --config FILE and --config=FILE are the same request.
        CommandLine expected = new CommandLine(Action.RUN, Optional.of(Path.of("my.yaml")));
        assertEquals(expected, CommandLine.parse("-c", "my.yaml"));
        assertEquals(expected, CommandLine.parse("--config", "my.yaml"));
        assertEquals(expected, CommandLine.parse("--config=my.yaml"));
    }

    @Test
    void checkTakesAnOptionalFileInEitherOrder() throws UsageException {
        // --check is a mode, not a positional verb, so it may come before or after -c.
        assertEquals(new CommandLine(Action.CHECK, Optional.empty()), CommandLine.parse("--check"));
        CommandLine withFile = new CommandLine(Action.CHECK, Optional.of(Path.of("a.yaml")));
        assertEquals(withFile, CommandLine.parse("--check", "-c", "a.yaml"));
        assertEquals(withFile, CommandLine.parse("-c", "a.yaml", "--check"));
    }

    @Test
    void helpWinsOverVersionWhichWinsOverCheck() throws UsageException {
        // Informational options answer without touching any configuration.
        assertEquals(Action.HELP, CommandLine.parse("--check", "--version", "--help").action());
        assertEquals(Action.HELP, CommandLine.parse("-h").action());
        assertEquals(Action.VERSION, CommandLine.parse("--check", "--version").action());
    }

    @Test
    void unknownOptionIsRefusedByName() {
        // A typo must not silently start a proxy with the default file.
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("--chek"));
        assertEquals("unknown option '--chek'", e.getMessage());
    }

    @Test
    void typoIsReportedEvenNextToHelp() {
        // All arguments are read before deciding, so "--help --bogus" does not hide the mistake.
        assertThrows(UsageException.class, () -> CommandLine.parse("--help", "--bogus"));
    }

    @Test
    void configOptionWithoutFileIsRefused() {
        // At the end, followed by another option, or as an empty --config=.
        for (String[] args : new String[][] {{"-c"}, {"--config"}, {"-c", "--check"}, {"--config="}}) {
            UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(args), String.join(" ", args));
            assertTrue(e.getMessage().contains("needs a FILE argument"), e.getMessage());
        }
    }

    @Test
    void fileNameStartingWithDashCanBeGivenAsRelativePath() throws UsageException {
        // The usual escape for an odd file name still works.
        assertEquals(Optional.of(Path.of("./-odd.yaml")), CommandLine.parse("-c", "./-odd.yaml").config());
    }

    @Test
    void secondConfigFileIsRefused() {
        // Silently taking the first or the last would surprise someone.
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("-c", "a.yaml", "--config=b.yaml"));
        assertTrue(e.getMessage().contains("'a.yaml' and 'b.yaml'"), e.getMessage());
    }

    @Test
    void bareFileNameIsRefusedWithAHint() {
        // "sluice my.yaml" is a likely mistake; the message says how to give a file.
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("my.yaml"));
        assertTrue(e.getMessage().contains("-c FILE"), e.getMessage());
    }
}
