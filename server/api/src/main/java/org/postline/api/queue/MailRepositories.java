package org.postline.api.queue;

import java.util.List;

/** The repositories by name; a repository exists once something is stored in it or it is asked for. */
public interface MailRepositories {

    MailRepository get(String name);

    /** Names of repositories that hold at least one mail or were asked for, sorted. */
    List<String> names();
}
