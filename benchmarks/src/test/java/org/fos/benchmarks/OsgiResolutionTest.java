package org.fos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.minlog.Log;
import com.esotericsoftware.reflectasm.MethodAccess;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;

import org.apache.felix.framework.Felix;
import org.apache.fory.Fory;
import org.codehaus.commons.compiler.ICompiler;
import org.codehaus.janino.Compiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objenesis.Objenesis;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * ADR 0007's OSGi column, checked: each candidate's jars, exactly as Maven Central serves them, are
 * installed into a bare Felix and resolved.
 */
class OsgiResolutionTest {

    @TempDir
    Path storage;

    private Felix felix;

    @BeforeEach
    void startFelix() throws BundleException {
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        felix = new Felix(config);
        felix.start();
    }

    @AfterEach
    void stopFelix() throws BundleException, InterruptedException {
        felix.stop();
        felix.waitForStop(10_000);
    }

    @Test
    void shouldResolveJacksonWhenItsJarsAreInstalledAsTheyAre() throws Exception {
        List<Bundle> bundles = install(JsonTypeInfo.class, JsonFactory.class, ObjectMapper.class, SmileFactory.class, CBORFactory.class);

        assertThat(felix.adapt(FrameworkWiring.class).resolveBundles(bundles)).isTrue();
        assertThat(bundles).allSatisfy(b -> assertThat(b.getSymbolicName()).isNotNull());
    }

    @Test
    void shouldResolveKryoWhenItsJarsAreInstalledAsTheyAre() throws Exception {
        List<Bundle> bundles = install(Kryo.class, MethodAccess.class, Objenesis.class, Log.class);

        assertThat(felix.adapt(FrameworkWiring.class).resolveBundles(bundles)).isTrue();
        assertThat(bundles).allSatisfy(b -> assertThat(b.getSymbolicName()).isNotNull());
    }

    @Test
    void shouldExportNothingFromForyWhenItsJarIsInstalledAsItIs() throws Exception {
        List<Bundle> bundles = install(Fory.class, Compiler.class, ICompiler.class);
        Bundle fory = bundles.get(0);

        felix.adapt(FrameworkWiring.class).resolveBundles(bundles);

        assertThat(fory.getSymbolicName()).as("fory-core has no OSGi headers").isNull();
        assertThat(fory.adapt(BundleRevision.class).getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE))
                .as("packages fory-core offers to other bundles").isEmpty();
    }

    private List<Bundle> install(Class<?>... fromJars) throws BundleException, URISyntaxException {
        List<Bundle> bundles = new ArrayList<>();
        for (Class<?> c : fromJars) {
            String location = c.getProtectionDomain().getCodeSource().getLocation().toURI().toString();
            bundles.add(felix.getBundleContext().installBundle(location));
        }
        return bundles;
    }
}
