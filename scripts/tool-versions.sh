# Pinned versions of the services installed from Maven Central (read by setup.sh and services.ts).
ES_VERSION=8.19.21
