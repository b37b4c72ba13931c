/**
 * libfos, the client side of fos: typed proxies that turn method calls on a fleet's protocol
 * interface into messages to a member of the fleet, and the dispatcher that turns those messages
 * back into calls on the server side.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package org.fos.rpc.api;
