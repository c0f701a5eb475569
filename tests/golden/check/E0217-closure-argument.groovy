pipeline {
    agent any
    triggers {
        cron(spec: { '@daily' })
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
