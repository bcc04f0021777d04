package io.mcst.demo;

/** The classes the plugin archive must make a worker find. */
final class Connectors {
    static final String SINK = "io.mcst.connector.sink.MultiCloudSinkConnector";
    static final String SOURCE = "io.mcst.connector.source.MultiCloudSourceConnector";

    private Connectors() {}
}
