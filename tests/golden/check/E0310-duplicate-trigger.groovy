pipeline {
    agent any
    triggers {
        cron('@daily')
        cron('@daily')
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
