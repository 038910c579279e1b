// Messages of the class-wide world (issue #20): why a replica refused a command from the class
// stream. Every replica refuses the same command for the same reason; the class view names it.

export const en = {
  'error.class_envelope_malformed': 'A message in the class log is not a SettleLab command: it was ignored.',
  'error.class_unsigned': 'A command in the class log carries no signature: nobody can say who sent it, so it was refused.',
  'error.class_wrong_class': 'A command in the class log was signed for another class: it was refused.',
  'error.class_message_id_mismatch': 'A command was sent again under a different message number: it was refused, so it cannot take effect twice.',
  'error.class_certificate_untrusted': 'A command was signed with a certificate this world’s certificate authority did not issue (or that was altered): it was refused.',
  'error.class_certificate_expired': 'A command was signed with a certificate that is not valid at this world time: it was refused.',
  'error.class_certificate_revoked': 'A command was signed with a certificate the certificate authority has revoked: it was refused.',
  'error.class_revocation_list_invalid': 'This world’s list of revoked certificates does not carry the certificate authority’s valid signature, so no command can be checked.',
  'error.class_signature_invalid': 'A command’s signature does not match its contents: it was changed after signing, or signed with another key. It was refused.',
  'error.class_actor_mismatch': 'A command claims to act for one party but was signed by another: it was refused.',
  'error.class_server_unreachable': 'The class server cannot be reached: check its address, that it is running, and this PC’s network.',
  'error.class_server_refused_login': 'The class server refused the class login: check the class code and password the teacher gave.',
  'error.class_not_started': 'This class has not started yet: the teacher opens it first.',
  'error.class_unknown_command': 'A command in the class log is one this version of SettleLab does not know: it was skipped on every PC. Update the app on every PC to the same version.',
  'error.class_input_invalid': 'A command in the class log carries no proper input: it was refused.',
  'error.class_command_failed': 'A command in the class log could not be carried out and changed nothing, on every PC.',
  'error.class_no_certificate': 'In a class world every action is signed with the party’s certificate, and this party has none yet: ask the certificate authority for one first.',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'error.class_envelope_malformed': '班级日志中的一条消息不是 SettleLab 指令，已忽略。',
  'error.class_unsigned': '班级日志中的一条指令没有签名，无法确定发送者，已拒绝。',
  'error.class_wrong_class': '班级日志中的一条指令是为另一个班级签名的，已拒绝。',
  'error.class_message_id_mismatch': '一条指令换了消息编号再次发送，已拒绝，因此它不会生效两次。',
  'error.class_certificate_untrusted': '一条指令所用的证书不是本世界认证中心签发的（或已被改动），已拒绝。',
  'error.class_certificate_expired': '一条指令所用的证书在当前世界时间无效，已拒绝。',
  'error.class_certificate_revoked': '一条指令所用的证书已被认证中心吊销，已拒绝。',
  'error.class_revocation_list_invalid': '本世界的证书吊销列表没有认证中心的有效签名，因此无法核验任何指令。',
  'error.class_signature_invalid': '一条指令的签名与内容不符：签名后被改动过，或用了别的密钥签名。已拒绝。',
  'error.class_actor_mismatch': '一条指令声称代表某一方操作，却由另一方签名，已拒绝。',
  'error.class_server_unreachable': '无法连接班级服务器：请检查地址、服务器是否在运行，以及本机网络。',
  'error.class_server_refused_login': '班级服务器拒绝了班级登录：请核对老师给的班级代码和密码。',
  'error.class_not_started': '这个班级还没有开始：需要老师先开启。',
  'error.class_unknown_command': '班级日志中有一条本版本 SettleLab 不认识的指令，所有电脑都已跳过。请把每台电脑上的应用更新到同一版本。',
  'error.class_input_invalid': '班级日志中的一条指令没有正确的输入，已拒绝。',
  'error.class_command_failed': '班级日志中的一条指令无法执行，在所有电脑上都没有改动任何内容。',
  'error.class_no_certificate': '在班级世界里，每个操作都要用该角色的证书签名，而这个角色还没有证书：请先向认证中心申请。',
};
