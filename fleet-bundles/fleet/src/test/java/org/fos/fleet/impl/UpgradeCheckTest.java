package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

class UpgradeCheckTest {
    private static final String PROTOCOL = "org.example.api.Counter";

    private static byte[] jar(Map<String, String> headers, String componentXml) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, m)) {
            if (componentXml != null) {
                out.putNextEntry(new ZipEntry("OSGI-INF/org.example.impl.CounterMember.xml"));
                out.write(componentXml.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Map<String, String> bundle(String name) {
        return Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", name + ";singleton:=true", "Bundle-Version", "2.0.0");
    }

    private static String provides(String protocol) {
        return "<scr:component name=\"c\"><service><provide interface=\"" + protocol + "\"/></service></scr:component>";
    }

    @Test
    void shouldReadClausesWithQuotedCommasAttributesAndDirectives() {
        List<Headers.Clause> clauses = Headers.parse("a.b;version=\"[1.2,2)\",c.d;e.f;resolution:=optional;version:Version=3 , g");
        assertThat(clauses).extracting(Headers.Clause::name).containsExactly("a.b", "c.d", "e.f", "g");
        assertThat(clauses.get(0).attribute("version")).isEqualTo("[1.2,2)");
        assertThat(clauses.get(2).directive("resolution")).isEqualTo("optional");
        assertThat(clauses.get(2).attribute("version")).isEqualTo("3");
        assertThat(Headers.parse(null)).isEmpty();
    }

    @Test
    void shouldRefuseMalformedHeaders() {
        assertThatThrownBy(() -> Headers.parse("a;version=\"[1,2)")).hasMessageContaining("unclosed quote");
        assertThatThrownBy(() -> Headers.parse("version=1")).hasMessageContaining("names nothing");
    }

    @Test
    void shouldRefuseAJarThatIsNoBundle() throws IOException {
        byte[] plain = jar(Map.of(), null);
        assertThatThrownBy(() -> UpgradeCheck.check(plain, "/app/counters", null, PROTOCOL, new org.osgi.framework.Bundle[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an OSGi bundle");
        assertThatThrownBy(() -> UpgradeCheck.check("PK not a zip".getBytes(StandardCharsets.ISO_8859_1), "/app/counters", null,
                PROTOCOL, new org.osgi.framework.Bundle[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldListMandatoryImportsThatNothingExports() throws IOException {
        Attributes main = new Attributes();
        main.putValue("Import-Package", "org.example.api;version=\"[1.0,2)\",org.example.impl;version=\"[2.0,2.1)\","
                + "org.optional;resolution:=optional,org.missing;version=\"[3,4)\"");
        main.putValue("Export-Package", "org.example.impl;version=\"2.0.0\"");
        assertThat(UpgradeCheck.unresolvedImports(main, new org.osgi.framework.Bundle[0]))
                .containsExactly("org.example.api [1.0.0,2.0.0)", "org.missing [3.0.0,4.0.0)");
    }

    /** A bundle that only says its symbolic name (the check asks nothing else of the running one). */
    private static org.osgi.framework.Bundle running(String name) {
        return (org.osgi.framework.Bundle) java.lang.reflect.Proxy.newProxyInstance(UpgradeCheckTest.class.getClassLoader(),
                new Class<?>[] {org.osgi.framework.Bundle.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> name;
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void shouldRefuseAnotherBundleAndOneWithoutTheProtocolAndTakeAVersionOfTheFleetsBundle() throws IOException {
        org.osgi.framework.Bundle counter = running("org.example.counter");
        org.osgi.framework.Bundle[] none = new org.osgi.framework.Bundle[0];
        byte[] other = jar(bundle("org.example.journal"), provides(PROTOCOL));
        assertThatThrownBy(() -> UpgradeCheck.check(other, "/app/counters", counter, PROTOCOL, none))
                .hasMessageContaining("is bundle org.example.journal, but /app/counters runs bundle org.example.counter");
        byte[] otherProtocol = jar(bundle("org.example.counter"), provides("org.example.api.Other"));
        assertThatThrownBy(() -> UpgradeCheck.check(otherProtocol, "/app/counters", counter, PROTOCOL, none))
                .hasMessageContaining("declares no component that provides " + PROTOCOL);
        Map<String, String> importing = new java.util.HashMap<>(bundle("org.example.counter"));
        importing.put("Import-Package", "org.example.api;version=\"[1,2)\"");
        byte[] unresolved = jar(importing, provides(PROTOCOL));
        assertThatThrownBy(() -> UpgradeCheck.check(unresolved, "/app/counters", counter, PROTOCOL, none))
                .hasMessageContaining("imports packages this node does not export: org.example.api [1.0.0,2.0.0)");

        UpgradeCheck.check(jar(bundle("org.example.counter"), provides(PROTOCOL)), "/app/counters", counter, PROTOCOL, none);
        Map<String, String> declared = new java.util.HashMap<>(bundle("org.example.counter"));
        declared.put("Provide-Capability", "osgi.service;objectClass:List<String>=\"" + PROTOCOL + "\"");
        UpgradeCheck.check(jar(declared, null), "/app/counters", counter, PROTOCOL, none);
    }
}
