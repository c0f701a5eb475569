pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                parallel([first: { echo 'one' }, first: { echo 'two' }])
            }
        }
    }
}
