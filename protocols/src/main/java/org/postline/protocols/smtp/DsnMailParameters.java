package org.postline.protocols.smtp;

import java.util.List;
import java.util.Optional;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailParametersHook;

/** Announces DSN and takes RET and ENVID at MAIL FROM (NOTIFY and ORCPT are taken at RCPT). */
final class DsnMailParameters implements MailParametersHook, EhloExtension {

    @Override
    public String[] getMailParamNames() {
        return new String[] {"RET", "ENVID"};
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String name, String value) {
        DsnParameters dsn = DsnParameters.of(session);
        Optional<String> error = name.equals("RET") ? dsn.setRet(value) : dsn.setEnvId(value);
        return error.map(text -> Replies.reject("501", "5.5.4 " + text)).orElse(HookResult.DECLINED);
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return List.of("DSN");
    }
}
