package dev.sandboxjobs.releasecheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The reactor as its pom files say it is: the root pom's modules, each with its artifactId,
 * packaging and whether it is a library (published, managed by the BOM).
 *
 * <p>A library is a jar module that builds sources and Javadoc jars: the modules that are not
 * libraries (examples, the command line, the benchmarks, the example service, this check) say so
 * with {@code <maven.source.skip>true</maven.source.skip>} ("not a library: no sources or Javadoc
 * jar"). There is no second list to keep in step.
 */
record Reactor(Path root, String groupId, String version, List<Module> modules) {

    /** One {@code <module>} of the root pom. */
    record Module(String dir, Path path, Element pom) {
        String artifactId() {
            return text(pom, "artifactId").orElseThrow(() -> new AssertionError(dir + "/pom.xml has no artifactId"));
        }

        String packaging() {
            return text(pom, "packaging").orElse("jar");
        }

        Optional<String> property(String name) {
            return child(pom, "properties").flatMap(p -> text(p, name));
        }

        boolean isLibrary() {
            return packaging().equals("jar") && !property("maven.source.skip").orElse("false").trim().equals("true");
        }

        /** The library's main jar as Maven names it: {@code <dir>/target/<artifactId>-<version>.jar}. */
        Path jar(String version, String classifier) {
            String suffix = classifier == null ? "" : "-" + classifier;
            return path.resolve("target").resolve(artifactId() + "-" + version + suffix + ".jar");
        }
    }

    /** The reactor whose root the build passes in (the surefire property {@code sandboxjobs.reactor.root}). */
    static Reactor current() {
        String root = System.getProperty("sandboxjobs.reactor.root");
        if (root == null) {
            throw new AssertionError("system property sandboxjobs.reactor.root is not set: run these tests through Maven"
                    + " (release-check/pom.xml sets it to the reactor's root folder)");
        }
        return read(Path.of(root).toAbsolutePath().normalize());
    }

    static Reactor read(Path root) {
        Element pom = parse(root.resolve("pom.xml"));
        String groupId = text(pom, "groupId").orElseThrow();
        String version = text(pom, "version").orElseThrow();
        List<Module> modules = new ArrayList<>();
        for (Element module : children(child(pom, "modules").orElseThrow(), "module")) {
            String dir = module.getTextContent().trim();
            Path path = root.resolve(dir).normalize();
            modules.add(new Module(dir, path, parse(path.resolve("pom.xml"))));
        }
        return new Reactor(root, groupId, version, List.copyOf(modules));
    }

    List<Module> libraries() {
        return modules.stream().filter(Module::isLibrary).toList();
    }

    Module module(String dir) {
        return modules.stream().filter(m -> m.dir().equals(dir)).findFirst()
                .orElseThrow(() -> new AssertionError("the root pom has no <module>" + dir + "</module>"));
    }

    static Element parse(Path pomFile) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(Files.newInputStream(pomFile));
            return document.getDocumentElement();
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new AssertionError("cannot read " + pomFile + ": " + e, e);
        }
    }

    static Optional<Element> child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().trim());
    }

    /** Direct children only: {@code <artifactId>} of the project, not of its parent or dependencies. */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }
}
