package io.mcst.demo;

import java.nio.file.Path;

/** The log4j 2 configuration of a child JVM: everything at {@code level} to stdout, which goes to its log file. */
final class Logging {
    private Logging() {}

    /** Writes the configuration under {@code dir} and returns the JVM option that selects it. */
    static String jvmOption(Path dir, String name, String level) {
        Path file = dir.resolve(name + "-log4j2.properties");
        String config = """
                status = warn
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = [%d] %p %m (%c)%n
                rootLogger.level = LEVEL
                rootLogger.appenderRef.out.ref = out
                logger.reflections.name = org.reflections
                logger.reflections.level = ERROR
                """.replace("LEVEL", level);
        LocalProcess.writeConfig(file, config);
        return "-Dlog4j2.configurationFile=" + file.toAbsolutePath();
    }
}
