// Batch mode skips the descriptor's patterns: check the properties here, and take back a project
// that could not compile, with a message that says which property is wrong and what it should be.
def props = request.properties
def problems = []
def protocol = props.get('protocol')
if (!(protocol ==~ /[A-Z][A-Za-z0-9]*/)) {
    problems << "protocol '${protocol}' is not a Java type name starting with a capital letter (for example Counters)"
}
def fleetName = props.get('fleetName')
if (!(fleetName ==~ /(\/[A-Za-z0-9._-]+)+/)) {
    problems << "fleetName '${fleetName}' is not a fos name: /segment/segment... of letters, digits, '.', '_' or '-' (for example /app/counters)"
}
def pkg = props.get('package')
if (!(pkg ==~ /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/)) {
    problems << "package '${pkg}' is not a Java package name (for example com.example.counters)"
}
if (problems) {
    new File(request.outputDirectory, request.artifactId).deleteDir()
    throw new IllegalArgumentException('fos-fleet-archetype: ' + problems.join('; '))
}
