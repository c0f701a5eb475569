pipeline {
    agent any
    options {
        preserveStashes(buildCount: 99)
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
