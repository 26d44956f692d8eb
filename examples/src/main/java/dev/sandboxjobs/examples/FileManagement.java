package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.FileEncoding;
import dev.sandboxjobs.engine.FileInfo;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import java.io.PrintStream;
import java.util.Base64;
import java.util.List;

/**
 * The seed's guide "Manage files": write text and binary files, read them back, organize them
 * (mkdir, rename, move, delete), list a directory and check what exists.
 */
public final class FileManagement {
    private FileManagement() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns the names left in /workspace/project at the end. */
    public static List<String> run(SandboxEngine engine, PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("file-management")) {
            try {
                sandbox.mkdir("/workspace/project/src", true);
                sandbox.writeFile("/workspace/project/src/app.py", "print('hello')\n");
                sandbox.writeFile("/workspace/project/config.json", "{\"debug\": true}");
                byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
                sandbox.writeFile("/workspace/project/logo.png", Base64.getEncoder().encodeToString(png), FileEncoding.BASE64);

                out.println("config.json: " + sandbox.readFile("/workspace/project/config.json").content());
                out.println("logo.png as base64: " + sandbox.readFile("/workspace/project/logo.png", FileEncoding.BASE64).content());

                sandbox.renameFile("/workspace/project/config.json", "/workspace/project/settings.json");
                sandbox.mkdir("/workspace/project/assets");
                sandbox.moveFile("/workspace/project/logo.png", "/workspace/project/assets");
                sandbox.writeFile("/workspace/project/tmp.txt", "scratch");
                sandbox.deleteFile("/workspace/project/tmp.txt");

                List<FileInfo> entries = sandbox.listFiles("/workspace/project");
                entries.forEach(f -> out.println("  " + f.type() + " " + f.name() + " " + f.size() + " bytes"));
                out.println("assets/logo.png exists: " + sandbox.exists("/workspace/project/assets/logo.png"));
                out.println("tmp.txt exists: " + sandbox.exists("/workspace/project/tmp.txt"));
                return entries.stream().map(FileInfo::name).toList();
            } finally {
                sandbox.destroy();
            }
        }
    }
}
