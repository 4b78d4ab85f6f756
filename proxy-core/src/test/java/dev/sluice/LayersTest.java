package dev.sluice;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of proxy-core, lowest first; each may use only the layers named for it (and
 * proxy-config, Undertow and the JDK, which no rule here covers). A request's path reads
 * upwards: the vocabulary every layer shares, the upstream runtime, what observes and records
 * it, the faults and the tunnel beside each other, the HTTP handler chain that ties them
 * together, and the composition root that builds it all; the admin API sees the running proxy
 * only through {@link dev.sluice.admin.RunningProxy}.
 */
@AnalyzeClasses(packages = "dev.sluice", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {
    @ArchTest
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            // Shared vocabulary, each on its own: HTTP answers and headers, JSON writing, the splice's contracts.
            .layer("http").definedBy("dev.sluice.http..")
            .layer("json").definedBy("dev.sluice.json..")
            .layer("ws").definedBy("dev.sluice.ws..")
            .layer("observe").definedBy("dev.sluice.observe..")
            .layer("builtin").definedBy("dev.sluice.builtin..")
            // Certificates, keys and SSLContexts for TLS listeners: proxy-config, the JDK and bcpkix only.
            .layer("tls").definedBy("dev.sluice.tls..")
            // A listener's first step before HTTP: the PROXY protocol header.
            .layer("proxyprotocol").definedBy("dev.sluice.proxyprotocol..")
            // Routes, pools and the upstream client.
            .layer("runtime").definedBy("dev.sluice.runtime..")
            // Upstream servers: their state, selection and active health checks.
            .layer("upstream").definedBy("dev.sluice.upstream..")
            .layer("record").definedBy("dev.sluice.record..")
            .layer("fault").definedBy("dev.sluice.fault..")
            .layer("tunnel").definedBy("dev.sluice.tunnel..")
            .layer("handler").definedBy("dev.sluice.handler..")
            .layer("admin").definedBy("dev.sluice.admin..")
            .layer("root").definedBy("dev.sluice")

            .whereLayer("http").mayNotAccessAnyLayer()
            .whereLayer("json").mayNotAccessAnyLayer()
            .whereLayer("ws").mayNotAccessAnyLayer()
            .whereLayer("observe").mayOnlyAccessLayers("json")
            .whereLayer("builtin").mayNotAccessAnyLayer()
            .whereLayer("tls").mayNotAccessAnyLayer()
            .whereLayer("proxyprotocol").mayOnlyAccessLayers("http")
            .whereLayer("runtime").mayOnlyAccessLayers("http", "observe", "upstream")
            .whereLayer("upstream").mayOnlyAccessLayers("http", "observe")
            .whereLayer("record").mayOnlyAccessLayers("http", "json", "ws", "observe", "upstream", "runtime")
            .whereLayer("fault").mayOnlyAccessLayers("http", "ws", "observe", "upstream", "runtime", "record")
            .whereLayer("tunnel").mayOnlyAccessLayers("http", "ws", "observe", "upstream", "runtime", "record")
            .whereLayer("handler").mayOnlyAccessLayers("http", "ws", "observe", "upstream", "runtime", "record", "fault",
                    "tunnel")
            .whereLayer("admin").mayOnlyAccessLayers("http", "json", "ws", "observe", "upstream", "runtime", "record",
                    "fault", "tunnel")
            .whereLayer("root").mayOnlyAccessLayers("http", "json", "ws", "observe", "builtin", "tls", "upstream",
                    "runtime", "record", "fault", "tunnel", "handler", "admin", "proxyprotocol");

    @ArchTest
    static final ArchRule NO_CYCLES = slices().matching("dev.sluice.(*)..").should().beFreeOfCycles();
}
