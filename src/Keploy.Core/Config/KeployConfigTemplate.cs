namespace Keploy.Core.Config;

/// <summary>
/// The keploy.yml that <c>keploy config --generate</c> writes with every default (Keploy <c>config/default.go</c>, HEAD, key order
/// of a 3-dev generated file, keploy/samples-go <c>ps-cache-postgres/keploy.yml</c>). <see cref="KeployConfig.GenerateYaml"/>
/// starts from it, so keys this tool does not model still appear with Keploy's defaults.
/// </summary>
internal static class KeployConfigTemplate
{
    public const string Yaml = """
path: ""
appName: ""
appId: 0
command: ""
templatize:
    testSets: []
port: 0
e2e: false
dnsPort: 26789
proxyPort: 16789
incomingProxyPort: 36789
debug: false
disableTele: false
disableANSI: false
containerName: ""
networkName: ""
buildDelay: 30
test:
    selectedTests: {}
    globalNoise:
        global: {}
        test-sets: {}
    replaceWith:
        global:
            url: {}
            port: {}
        test-sets: {}
    delay: 5
    healthUrl: ""
    healthPollTimeout: 1m0s
    host: localhost
    port: 0
    grpcPort: 0
    ssePort: 0
    protocol:
        grpc:
            port: 0
        http:
            port: 0
        sse:
            port: 0
    apiTimeout: 5
    skipCoverage: false
    coverageReportPath: ""
    ignoreOrdering: true
    mongoPassword: ""
    language: ""
    removeUnusedMocks: false
    fallBackOnMiss: false
    jacocoAgentPath: ""
    basePath: ""
    mocking: true
    ignoredTests: {}
    disableLineCoverage: false
    updateTemplate: false
    mustPass: false
    maxFailAttempts: 5
    maxFlakyChecks: 1
    protoFile: ""
    protoDir: ""
    protoInclude: []
    compareAll: false
    updateTestMapping: false
    disableAutoHeaderNoise: false
    strictMockWindow: true
record:
    filters: []
    basePath: ""
    recordTimer: 0s
    metadata: ""
    sync: false
    memoryLimit: 0
    testCaseNaming: descriptive
    upstreamTls:
        verify: false
        caCert: ""
report:
    selectedTestSets: {}
    showFullBody: false
    reportPath: ""
    summary: false
    testCaseIDs: []
    format: ""
disableMapping: false
configPath: ""
bypassRules: []
generateGithubActions: false
keployContainer: keploy-v3
keployNetwork: keploy-network
cmdType: native
contract:
    services: []
    tests: []
    path: ""
    download: false
    generate: false
    driven: consumer
    mappings:
        servicesMapping: {}
        self: s1
inCi: false
""";
}
