package io.orgsync.source.wecom;

import io.orgsync.run.RunFailedException;

/**
 * WeCom errcode 45029: the answer is too large for WeCom to send. WeCom says to read per
 * department: the {@code wecom} routes catch it from {@code department/list}, whose one answer
 * holds the whole tree, and read the tree with {@code department/simplelist} and
 * {@code department/get} instead. Members are already listed one department at a time, so
 * anywhere else it fails the run, with this message.
 */
public final class AnswerTooLarge extends RunFailedException {

    public AnswerTooLarge(String where, String detail) {
        super(where + ": the answer is too large for WeCom to send, " + detail);
    }
}
