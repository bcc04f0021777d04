package io.mcst.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * The logging configuration of a child JVM: everything at {@code level} to stdout, which goes to its log file.
 * Kafka 4 logs through log4j 2, Kafka 3 through reload4j (log4j 1's API): a worker of either release reads the
 * file meant for it and ignores the other's option, so its log is never empty.
 */
final class Logging {
    private Logging() {}

    /** Writes both configurations under {@code dir} and returns the JVM options that select them. */
    static List<String> jvmOptions(Path dir, String name, String level) {
        Path log4j2 = dir.resolve(name + "-log4j2.properties");
        LocalProcess.writeConfig(log4j2, """
                status = warn
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = [%d] %p %m (%c)%n
                rootLogger.level = LEVEL
                rootLogger.appenderRef.out.ref = out
                logger.reflections.name = org.reflections
                logger.reflections.level = ERROR
                """.replace("LEVEL", level));
        Path log4j1 = dir.resolve(name + "-log4j.properties");
        LocalProcess.writeConfig(log4j1, """
                log4j.rootLogger=LEVEL, out
                log4j.appender.out=org.apache.log4j.ConsoleAppender
                log4j.appender.out.layout=org.apache.log4j.PatternLayout
                log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
                log4j.logger.org.reflections=ERROR
                """.replace("LEVEL", level));
        return List.of("-Dlog4j2.configurationFile=" + log4j2.toAbsolutePath(),
                "-Dlog4j.configuration=" + log4j1.toUri());
    }
}
