package io.mcst.replication.layers.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Makes keysets for {@code encryption.keyset}, so users need neither Tink's tinkey nor code:
 *
 * <pre>
 *   java -cp '&lt;plugin dir&gt;/lib/*' io.mcst.replication.layers.encryption.KeysetTool new aes256-gcm &gt; keyset.json
 *   java -cp '&lt;plugin dir&gt;/lib/*' io.mcst.replication.layers.encryption.KeysetTool rotate aes256-gcm &lt; keyset.json &gt; rotated.json
 * </pre>
 *
 * {@code new} prints a keyset with one fresh key ({@code aes256-gcm} or {@code xchacha20-poly1305});
 * {@code rotate} reads a keyset on standard input and prints it with a fresh primary key added. The output is
 * cleartext key material: store it as a secret.
 */
public final class KeysetTool {
    private KeysetTool() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws IOException {
        if (args.length != 2 || !(args[0].equals("new") || args[0].equals("rotate"))) {
            err.println("usage: KeysetTool new|rotate aes256-gcm|xchacha20-poly1305   (rotate reads the keyset on stdin)");
            return 2;
        }
        try {
            EncryptionKeyset.KeyType type = EncryptionKeyset.KeyType.forCliName(args[1]);
            EncryptionKeyset keyset = args[0].equals("new")
                    ? EncryptionKeyset.generate(type)
                    : EncryptionKeyset.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).rotate(type);
            out.println(keyset.toJson());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
