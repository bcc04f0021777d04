/**
 * What the sink and source connectors share: the connector version, the position a sink record had, and
 * {@link io.mcst.connector.TaskIdentity} (the connector and task a stack's metrics are tagged with). Free to
 * change while the connector tests pass.
 */
package io.mcst.connector;
