pipeline {
    agent { docker { image 'maven:3-alpine'
            args '-v /tmp:/tmp' } }
    options { timestamps(); disableConcurrentBuilds() }
    triggers {
        cron('H */4 * * 1-5')
        pollSCM 'H/15 * * * *'
        upstream(upstreamProjects: 'a,b', threshold: hudson.model.Result.SUCCESS)
    }
    tools { maven 'maven-3'; jdk 'jdk-17' }
    stages {
        stage('build') {
            input {
                message "Should we continue?"
                ok "Yes"
                parameters { string(name: 'PERSON', defaultValue: 'Mr Jenkins') }
            }
            steps { echo "Hello, ${PERSON}" }
        }
    }
}
