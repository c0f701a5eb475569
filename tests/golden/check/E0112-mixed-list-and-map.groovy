pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                checkout([$class: 'GitSCM', 'extra'])
            }
        }
    }
}
