package io.mcst.cli;

import io.mcst.connector.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mcst} command: operates an archive without Connect, configured like the connectors. */
@Command(name = "mcst", mixinStandardHelpOptions = true, versionProvider = Mcst.VersionProvider.class,
        subcommands = {LsCommand.class, VerifyCommand.class, RepairCommand.class, ExportCommand.class, ExpireCommand.class,
                RestoreOffsetsCommand.class},
        description = {"List, verify, repair, export and expire a Multi-cloud Storage Toolkit archive; restore consumer "
                + "groups' positions in a replay.",
                "Each command takes the sink's (or source's) configuration with --config: the JSON you POST to Connect "
                        + "or a properties file; $${env:NAME}, $${file:path:key} and $${dir:path:file} resolve as in Connect."},
        footer = {"", "Exit codes: 0 done (verify: the archive is whole), 1 verify found problems, repair could not "
                + "finish everything or restore-offsets skipped or refused a position, 2 the command failed (the message names the store, the key and what to do)."})
public final class Mcst {
    static final int OK = 0;
    static final int FOUND_PROBLEMS = 1;
    static final int FAILED = 2;

    private Mcst() {}

    public static void main(String[] args) {
        // The stores' SDKs log at info; the tool's own output says what matters.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; returns its exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(Mcst.class);
        line.setOut(out);
        line.setErr(err);
        return line.execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mcst " + Version.get()};
        }
    }
}
