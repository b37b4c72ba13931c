package org.fos.fs.client;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/** Owners of fos files: numeric ids, as a file system that has no user database of its own names them. */
final class Principals {
    private Principals() {
    }

    /** A user by id. */
    record Uid(int id) implements UserPrincipal {
        @Override
        public String getName() {
            return Integer.toString(id);
        }

        @Override
        public String toString() {
            return getName();
        }
    }

    /** A group by id. */
    record Gid(int id) implements GroupPrincipal {
        @Override
        public String getName() {
            return Integer.toString(id);
        }

        @Override
        public String toString() {
            return getName();
        }
    }

    static int id(String name) throws UserPrincipalNotFoundException {
        if ("root".equals(name)) {
            return 0;
        }
        try {
            int id = Integer.parseInt(name);
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // not a number
        }
        throw new UserPrincipalNotFoundException(name);
    }

    /** Looks names up as numbers ({@code 1000}); {@code root} is 0. */
    static final UserPrincipalLookupService LOOKUP = new UserPrincipalLookupService() {
        @Override
        public UserPrincipal lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
            return new Uid(id(name));
        }

        @Override
        public GroupPrincipal lookupPrincipalByGroupName(String group) throws UserPrincipalNotFoundException {
            return new Gid(id(group));
        }
    };

    static int uidOf(UserPrincipal p) throws UserPrincipalNotFoundException {
        if (p instanceof Uid u) {
            return u.id();
        }
        if (p instanceof Gid g) {
            return g.id();
        }
        return id(p.getName());
    }
}
