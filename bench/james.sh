#!/bin/bash
# Starts Apache James 3.8.1's memory application (org.apache.james:james-server-memory-app, from Maven
# Central) on loopback for compare.sh, with the bench domain and users, and writes its pid to DIR/james.pid.
#   bench/james.sh DIR SMTP_PORT IMAP_PORT POP3_PORT DOMAIN PASSWORD "USER ..."
# The memory app keeps mail and mailboxes in memory only (nothing is synced to disk).
set -euo pipefail
DIR=$1 SMTP=$2 IMAP=$3 POP3=$4 DOMAIN=$5 PASSWORD=$6 USERS=$7
WEBADMIN=$((SMTP + 55))
mkdir -p "$DIR/conf" "$DIR/lib"

if [ ! -f "$DIR/lib/james-server-memory-app-3.8.1.jar" ]; then
  cat > "$DIR/pom.xml" <<'XML'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.postline.bench</groupId><artifactId>james-memory-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.james</groupId><artifactId>james-server-memory-app</artifactId><version>3.8.1</version></dependency>
  </dependencies>
</project>
XML
  (cd "$DIR" && mvn -B -q dependency:copy-dependencies -DoutputDirectory="$DIR/lib" -DincludeScope=runtime)
fi

c=$DIR/conf
cat > "$c/domainlist.xml" <<XML
<domainlist>
  <autodetect>false</autodetect>
  <autodetectIP>false</autodetectIP>
  <defaultDomain>$DOMAIN</defaultDomain>
  <domainnames><domainname>$DOMAIN</domainname></domainnames>
</domainlist>
XML
cat > "$c/usersrepository.xml" <<XML
<usersrepository name="LocalUsers">
  <enableVirtualHosting>true</enableVirtualHosting>
</usersrepository>
XML
cat > "$c/dnsservice.xml" <<XML
<dnsservice>
  <servers><server>127.0.0.1</server></servers>
  <autodiscover>false</autodiscover>
  <authoritative>false</authoritative>
  <maxcachesize>50000</maxcachesize>
</dnsservice>
XML
cat > "$c/jmx.properties" <<PROPS
jmx.enabled=false
jmx.address=127.0.0.1
jmx.port=$((SMTP + 56))
PROPS
cat > "$c/webadmin.properties" <<PROPS
enabled=true
port=$WEBADMIN
host=127.0.0.1
PROPS
cat > "$c/mailrepositorystore.xml" <<XML
<mailrepositorystore>
  <defaultProtocol>memory</defaultProtocol>
  <mailrepositories>
    <mailrepository class="org.apache.james.mailrepository.memory.MemoryMailRepository">
      <protocols><protocol>memory</protocol></protocols>
      <config/>
    </mailrepository>
  </mailrepositories>
</mailrepositorystore>
XML
cat > "$c/smtpserver.xml" <<XML
<smtpservers>
  <smtpserver enabled="true">
    <jmxName>smtpserver-bench</jmxName>
    <bind>127.0.0.1:$SMTP</bind>
    <connectionBacklog>200</connectionBacklog>
    <tls socketTLS="false" startTLS="false"/>
    <connectiontimeout>360</connectiontimeout>
    <connectionLimit>0</connectionLimit>
    <connectionLimitPerIP>0</connectionLimitPerIP>
    <authRequired>false</authRequired>
    <authorizedAddresses>127.0.0.0/8</authorizedAddresses>
    <verifyIdentity>false</verifyIdentity>
    <maxmessagesize>0</maxmessagesize>
    <addressBracketsEnforcement>true</addressBracketsEnforcement>
    <handlerchain>
      <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
      <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
    </handlerchain>
  </smtpserver>
</smtpservers>
XML
cat > "$c/imapserver.xml" <<XML
<imapservers>
  <imapserver enabled="true">
    <jmxName>imapserver-bench</jmxName>
    <bind>127.0.0.1:$IMAP</bind>
    <connectionBacklog>200</connectionBacklog>
    <tls socketTLS="false" startTLS="false"/>
    <plainAuthDisallowed>false</plainAuthDisallowed>
    <auth><plainAuthEnabled>true</plainAuthEnabled><requireSSL>false</requireSSL></auth>
    <connectionLimit>0</connectionLimit>
    <connectionLimitPerIP>0</connectionLimitPerIP>
    <enableIdle>true</enableIdle>
  </imapserver>
</imapservers>
XML
cat > "$c/pop3server.xml" <<XML
<pop3servers>
  <pop3server enabled="true">
    <jmxName>pop3server-bench</jmxName>
    <bind>127.0.0.1:$POP3</bind>
    <connectionBacklog>200</connectionBacklog>
    <tls socketTLS="false" startTLS="false"/>
    <connectiontimeout>1200</connectiontimeout>
    <handlerchain>
      <handler class="org.apache.james.pop3server.core.CoreCmdHandlerLoader"/>
    </handlerchain>
  </pop3server>
</pop3servers>
XML
cat > "$c/mailetcontainer.xml" <<XML
<mailetcontainer enableJmx="false">
  <context><postmaster>postmaster@$DOMAIN</postmaster></context>
  <spooler><threads>20</threads><errorRepository>memory://var/mail/error/</errorRepository></spooler>
  <processors>
    <processor state="root" enableJmx="false">
      <mailet match="All" class="ToProcessor"><processor>transport</processor></mailet>
    </processor>
    <processor state="error" enableJmx="false">
      <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/error/</repositoryPath></mailet>
    </processor>
    <processor state="transport" enableJmx="false">
      <mailet match="All" class="RemoveMimeHeader"><name>bcc</name><onMailetException>ignore</onMailetException></mailet>
      <mailet match="All" class="RecipientRewriteTable"/>
      <mailet match="RecipientIsLocal" class="LocalDelivery"/>
      <mailet match="All" class="ToRepository"><repositoryPath>memory://var/mail/relay-denied/</repositoryPath></mailet>
    </processor>
  </processors>
</mailetcontainer>
XML
cat > "$c/logback.xml" <<XML
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$DIR/james.log</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="FILE"/></root>
  <logger name="org.apache.james" level="INFO"/>
</configuration>
XML

cd "$DIR"
nohup java -Dworking.directory="$DIR" -Dlogback.configurationFile="$c/logback.xml" -cp "$DIR/lib/*" \
  org.apache.james.MemoryJamesServerMain > "$DIR/james.out" 2>&1 &
echo $! > "$DIR/james.pid"

for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$WEBADMIN/healthcheck" >/dev/null 2>&1 && break
  kill -0 "$(cat "$DIR/james.pid")" 2>/dev/null || { echo "james.sh: James exited; see $DIR/james.out" >&2; exit 1; }
  sleep 0.1
done
curl -sf -X PUT "http://127.0.0.1:$WEBADMIN/domains/$DOMAIN" >/dev/null || true
for u in $USERS; do
  curl -sf -X PUT -H "Content-Type: application/json" "http://127.0.0.1:$WEBADMIN/users/$u@$DOMAIN" -d "{\"password\":\"$PASSWORD\"}" >/dev/null
done
