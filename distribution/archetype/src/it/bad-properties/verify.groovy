def log = new File(basedir, 'build.log').text
assert log.contains("protocol 'bad-name' is not a Java type name")
assert log.contains("fleetName 'app/broken' is not a fos name")
assert !new File(basedir, 'broken').exists()
return true
